# SPDX-License-Identifier: Apache-2.0
"""CUDA autocast's op policy, as torch registers it at the AutocastCUDA dispatch key: torch 1.13's
lists (aten/src/ATen/autocast_mode.cpp, `TORCH_LIBRARY_IMPL(aten, Autocast, m)`) and the ops torch
2.x added to them (the `AT_FORALL_*` lists of aten/src/ATen/autocast_mode.h). No op changed its
policy between those versions, so one table serves both; an op a version does not register is
never looked up.

Keys are "op" or "op.overload" (aten namespace, the overload exactly as registered); values are
the cast policy. The installed torch says which ops it registers at AutocastCUDA
(torch._C._dispatch_get_registrations_for_dispatch_key), even in a CPU-only build:
cuda_autocast.py compares that set with this table and reports any op the table lacks, and a
test checks that they are equal for the torch the project is tested with.

Policies (the names are autocast_mode.h's CastPolicy):
  lower_precision_fp  floating inputs cast to the region's dtype (float16 unless asked otherwise)
  fp32                floating inputs cast to float32
  fp32_set_opt_dtype  dtype=float32 passed when the first input is eligible and no dtype given
  fp32_append_dtype   redispatched to the overload with a dtype argument, float32
  promote             floating inputs cast to the widest floating type among them
  banned              raises, as on CUDA (binary_cross_entropy)"""

LOWER = "lower_precision_fp"
FP32 = "fp32"
SET_OPT_DTYPE = "fp32_set_opt_dtype"
APPEND_DTYPE = "fp32_append_dtype"
PROMOTE = "promote"
BANNED = "banned"

_LOWER_PRECISION_FP = (
    "_convolution.deprecated", "_convolution", "conv1d", "conv2d", "conv3d", "conv_tbc",
    "conv_transpose1d", "conv_transpose2d.input", "conv_transpose3d.input", "convolution",
    "cudnn_convolution", "cudnn_convolution_transpose", "prelu", "addmm", "addmv", "addr", "matmul",
    "einsum", "mm", "mv", "linear", "addbmm", "baddbmm", "bmm", "chain_matmul", "linalg_multi_dot",
    "_thnn_fused_lstm_cell", "_thnn_fused_gru_cell", "lstm_cell", "gru_cell", "rnn_tanh_cell",
    "rnn_relu_cell",
    # torch 2.x
    "linalg_vecdot", "_scaled_dot_product_flash_attention", "scaled_dot_product_attention",
    # CUDA builds only: registered beside cuDNN (aten/src/ATen/native/cudnn/AutocastRNN.cpp), it
    # casts the inputs and the flat weights to the region's dtype.
    "_cudnn_rnn",
)
_FP32 = (
    "acos", "asin", "cosh", "erfinv", "exp", "expm1", "log", "log10", "log2", "log1p", "reciprocal",
    "rsqrt", "sinh", "tan", "pow.Tensor_Scalar", "pow.Tensor_Tensor", "pow.Scalar", "softplus",
    "layer_norm", "native_layer_norm", "group_norm", "frobenius_norm", "frobenius_norm.dim",
    "nuclear_norm", "nuclear_norm.dim", "cosine_similarity", "poisson_nll_loss",
    "cosine_embedding_loss", "nll_loss", "nll_loss2d", "hinge_embedding_loss", "kl_div", "l1_loss",
    "smooth_l1_loss", "huber_loss", "mse_loss", "margin_ranking_loss", "multilabel_margin_loss",
    "soft_margin_loss", "triplet_margin_loss", "multi_margin_loss",
    "binary_cross_entropy_with_logits", "dist", "pdist", "cdist", "renorm", "logsumexp",
    # torch 2.x
    "rms_norm", "upsample_nearest1d", "_upsample_nearest_exact1d", "upsample_nearest2d",
    "_upsample_nearest_exact2d", "upsample_nearest3d", "_upsample_nearest_exact3d", "upsample_linear1d",
    "upsample_bilinear2d", "_upsample_bilinear2d_aa", "upsample_trilinear3d", "upsample_bicubic2d",
    "_upsample_bicubic2d_aa",
)
_FP32_SET_OPT_DTYPE = (
    "prod", "prod.dim_int", "prod.dim_Dimname", "softmax.int", "softmax.Dimname", "log_softmax.int",
    "log_softmax.Dimname", "cumprod", "cumprod.dimname", "cumsum", "cumsum.dimname", "sum",
    "sum.dim_IntList", "sum.dim_DimnameList",
    # torch 2.x
    "linalg_vector_norm", "linalg_matrix_norm", "linalg_matrix_norm.str_ord",
)
# fp32_append_dtype: the op and the overload (with a dtype argument) it is redispatched to.
APPEND_DTYPE_TARGETS = {
    "norm.Scalar": "norm.ScalarOpt_dtype",
    "norm.ScalarOpt_dim": "norm.ScalarOpt_dim_dtype",
    "norm.names_ScalarOpt_dim": "norm.names_ScalarOpt_dim_dtype",
}
_PROMOTE = (
    "addcdiv", "addcmul", "atan2", "bilinear", "cross", "dot", "grid_sampler", "index_put",
    "tensordot", "scatter_add",
    # torch 2.x
    "vdot",
)

POLICY = {
    **{name: LOWER for name in _LOWER_PRECISION_FP},
    **{name: FP32 for name in _FP32},
    **{name: SET_OPT_DTYPE for name in _FP32_SET_OPT_DTYPE},
    **{name: APPEND_DTYPE for name in APPEND_DTYPE_TARGETS},
    **{name: PROMOTE for name in _PROMOTE},
    "binary_cross_entropy": BANNED,
}

BANNED_MESSAGE = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
    "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
    "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
    "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
    "safe to autocast.")
