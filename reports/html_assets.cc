// SPDX-License-Identifier: Apache-2.0
#include "reports/html_assets.h"

namespace tpu::reports {

std::string_view html_style() {
  return R"css(
:root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --panel: #ffffff; --page: #f3f5f8;
        --blocker: #d93025; --warning: #f29900; --info: #4285f4; --accent: #1a73e8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { background: #202124; color: #fff; padding: 22px 32px 20px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; letter-spacing: .2px; }
header .meta { color: #bdc1c6; margin-top: 4px; font-size: 13px; }
header code { color: #e8eaed; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; }
.grid { display: grid; grid-template-columns: 320px 1fr; gap: 20px; margin-bottom: 20px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 18px 20px;
         box-shadow: 0 1px 2px rgba(31,35,40,.04); min-width: 0; }
.panel h2 { font-size: 15px; margin: 0 0 12px; font-weight: 600; }
.panel p.note { color: var(--muted); margin: 8px 0 0; font-size: 12.5px; }
.score { text-align: center; }
.gauge-score { font-size: 46px; font-weight: 700; }
.gauge-scale { font-size: 12px; fill: var(--muted); }
.counts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin-top: 10px; }
.count { border-radius: 8px; padding: 8px 4px; text-align: center; }
.count b { display: block; font-size: 22px; line-height: 1.2; }
.count span { font-size: 12px; }
.count.blocker { background: #fce8e6; color: #a50e0e; }
.count.warning { background: #fef3e0; color: #8a4b00; }
.count.info { background: #e8f0fe; color: #174ea6; }
.facts { list-style: none; padding: 0; margin: 12px 0 0; color: var(--muted); font-size: 13px; text-align: left; }
.facts li { padding: 3px 0; border-top: 1px solid #eef0f2; }
.facts b { color: var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12.5px; color: var(--muted); margin-bottom: 8px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
svg text { font-family: inherit; }
.bar-label { font-size: 12.5px; fill: var(--ink); }
.bar-total { font-size: 12px; fill: var(--muted); }
.bars { width: 100%; max-width: 620px; height: auto; }
.bars .bar { cursor: pointer; outline: none; }
.bars .bar:hover rect, .bars .bar:focus rect { opacity: .8; }
.donut-label { font-size: 20px; font-weight: 700; fill: var(--ink); }
.ops { display: flex; gap: 20px; align-items: center; flex-wrap: wrap; }
.ops ul { list-style: none; padding: 0; margin: 0; font-size: 13px; }
.ops li { padding: 2px 0; }
.ops li i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
.table-wrap { overflow-x: auto; }
/* Fixed layout: an opened source excerpt scrolls inside its cell instead of widening the table. */
#findings { table-layout: fixed; min-width: 960px; }
#findings col.severity { width: 88px; } #findings col.rule { width: 150px; }
#findings col.category { width: 128px; } #findings col.where { width: 210px; } #findings col.fix { width: 160px; }
#findings td.where code { overflow-wrap: anywhere; }
th, td { text-align: left; padding: 7px 8px; border-bottom: 1px solid #eef0f2; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .4px;
     white-space: nowrap; }
th button { all: unset; cursor: pointer; }
th button::after { content: " \2195"; color: #aab2bb; }
th[aria-sort=ascending] button::after { content: " \2191"; color: var(--accent); }
th[aria-sort=descending] button::after { content: " \2193"; color: var(--accent); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.small td, .small th { padding: 5px 6px; }
.gain { color: #137333; font-weight: 600; }
.badge { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 11.5px; font-weight: 600; }
.badge.blocker { background: #fce8e6; color: #a50e0e; }
.badge.warning { background: #fef3e0; color: #8a4b00; }
.badge.info { background: #e8f0fe; color: #174ea6; }
.badge.new { background: #e6f4ea; color: #0d652d; margin-left: 4px; }
.badge.lowered, .badge.decomposed { background: #e6f4ea; color: #0d652d; }
.badge.fallback { background: #fef3e0; color: #8a4b00; }
.badge.unsupported { background: #fce8e6; color: #a50e0e; }
.badge.unknown { background: #f1f3f4; color: #5f6368; }
.badge.pass { background: #e6f4ea; color: #0d652d; }
.badge.warn { background: #fef3e0; color: #8a4b00; }
.badge.fail, .badge.error { background: #fce8e6; color: #a50e0e; }
.badge.skipped { background: #f1f3f4; color: #5f6368; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
td code { font-size: 12px; }
.rule { white-space: nowrap; }
.rule small { display: block; color: var(--muted); }
.category { overflow-wrap: anywhere; }
.msg code, .fix code { background: #f1f3f5; border-radius: 4px; padding: 0 3px; font-size: 12px; }
.fix { color: #137333; font-size: 12px; }
.fix.manual { color: var(--muted); }
.filters { display: flex; gap: 10px; flex-wrap: wrap; align-items: center; margin-bottom: 12px; }
.filters input, .filters select { font: inherit; padding: 6px 10px; border: 1px solid var(--line);
                                  border-radius: 8px; background: #fff; }
.filters input { flex: 1; min-width: 220px; }
.filters .shown { color: var(--muted); margin-left: auto; }
details summary { cursor: pointer; color: var(--accent); font-size: 12px; margin-top: 4px; }
pre.excerpt { max-width: 100%; margin: 6px 0 2px; padding: 8px 0; background: #f6f8fa; border: 1px solid #eaeef2; border-radius: 8px;
              overflow-x: auto; font-size: 12px; line-height: 1.45; }
pre.excerpt span { display: block; padding: 0 12px 0 0; white-space: pre; }
pre.excerpt span::before { content: attr(data-line); display: inline-block; width: 44px; padding-right: 10px;
                           text-align: right; color: #8c959f; }
pre.excerpt span.hit { background: #fff8c5; }
.empty { color: var(--muted); padding: 16px 0; text-align: center; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } main { padding: 16px; } }
)css";
}

std::string_view html_script() {
  return R"js(
(function () {
  'use strict';
  var table = document.getElementById('findings');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('filter-text');
  var severity = document.getElementById('filter-severity');
  var category = document.getElementById('filter-category');
  var fresh = document.getElementById('filter-new');
  var shown = document.getElementById('shown');
  var empty = document.getElementById('no-match');

  function apply() {
    var query = text.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var keep = (!query || row.dataset.search.indexOf(query) >= 0) &&
                 (!severity.value || row.dataset.severity === severity.value) &&
                 (!category.value || row.dataset.category === category.value) &&
                 (!fresh || !fresh.checked || row.dataset.baseline === 'new');
      row.hidden = !keep;
      if (keep) count++;
    });
    shown.textContent = count;
    empty.hidden = count !== 0;
  }

  var sortedBy = -1, ascending = true;
  function sortBy(header) {
    var index = header.cellIndex;
    var numeric = header.dataset.type === 'number';
    ascending = sortedBy === index ? !ascending : header.dataset.first !== 'descending';
    sortedBy = index;
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.sort, y = b.cells[index].dataset.sort;
      var order = numeric ? Number(x) - Number(y) : (x < y ? -1 : x > y ? 1 : 0);
      if (!ascending) order = -order;
      return order || Number(a.dataset.order) - Number(b.dataset.order);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.setAttribute('aria-sort', cell === header ? (ascending ? 'ascending' : 'descending') : 'none');
    });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
    var button = cell.querySelector('button');
    if (button) button.addEventListener('click', function () { sortBy(cell); });
  });
  [text, severity, category, fresh].forEach(function (control) {
    if (control) control.addEventListener('input', apply);
  });
  // A click on a category bar filters the table to that category.
  Array.prototype.forEach.call(document.querySelectorAll('.bars .bar'), function (bar) {
    function pick() {
      category.value = bar.dataset.key;
      apply();
      table.scrollIntoView({behavior: 'smooth', block: 'start'});
    }
    bar.addEventListener('click', pick);
    bar.addEventListener('keydown', function (event) { if (event.key === 'Enter') pick(); });
  });
  apply();
  document.body.dataset.ready = 'true';
})();
)js";
}

}  // namespace tpu::reports
