"""Shared utilities for gpt_trainer."""
