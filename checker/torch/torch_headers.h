// SPDX-License-Identifier: Apache-2.0
// The libtorch headers the engine uses, in one place: precompiled once for the whole engine
// (target_precompile_headers), which keeps the 2-core build from parsing ATen per file.
#pragma once

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>
#include <ATen/core/stack.h>
#include <c10/core/ScalarType.h>
