from .triton_ops import bias_gelu_reference, fused_bias_gelu

__all__ = ["bias_gelu_reference", "fused_bias_gelu"]
