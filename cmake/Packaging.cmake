# Install rules and the Debian packages (CPack), issue 18 item 2.
#
# Layout under the prefix, the one the tool searches relative to itself:
#   bin/tpu-migrate                                the tool (trace hook and check worker compiled in)
#   bin/tpu-migrate-torchscript                    the TorchScript tracer (`trace --torchscript`)
#   lib/tpu-migrate/libtpu_checker_torch.so        the check engine (checker/engine_loader.cc
#                                                  looks in <bin>/../lib/tpu-migrate/)
# The two libtorch parts are installed by their own folders' CMakeLists.txt (component "torch").
#
# Two packages, so that the tool does not pull libtorch (about 1 GB) in: `tpu-migrate` (scan,
# rewrite, trace, explain, ops; depends on libclang, libtree-sitter, libgit2, libxxhash) and
# `tpu-migrate-torch` (check's engine and the TorchScript tracer; depends on libtorch), which the
# first recommends, with python3-torch (trace runs the user's Python with torch).
# `cpack -G DEB` in the build folder writes both; their Depends come from dpkg-shlibdeps.
install(TARGETS tpu-migrate RUNTIME DESTINATION bin COMPONENT tool)

set(CPACK_PACKAGE_NAME tpu-migrate)
set(CPACK_PACKAGE_VENDOR "tpu-migrate")
set(CPACK_PACKAGE_CONTACT "tpu-migrate maintainers <tpu-migrate@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Moves CUDA-centric PyTorch code to TPUs: scan, rewrite, trace, check")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tool)
if(TARGET tpu_checker_torch OR TARGET tpu-migrate-torchscript)
  list(APPEND CPACK_COMPONENTS_ALL torch)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # name_version_arch.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/tpu-migrate/tpu-migrate")

set(CPACK_DEBIAN_TOOL_PACKAGE_NAME tpu-migrate)
set(CPACK_DEBIAN_TOOL_DESCRIPTION
    "scan finds every CUDA tie in Python and C++/CUDA code, rewrite fixes what can be fixed\nmechanically, trace records the aten ops a program runs, explain says why each finding matters.")
set(CPACK_DEBIAN_TOOL_PACKAGE_RECOMMENDS "${TPU_TORCH_PACKAGE_NAME} (= ${PROJECT_VERSION}), python3-torch")
set(CPACK_DEBIAN_TORCH_PACKAGE_NAME ${TPU_TORCH_PACKAGE_NAME})
set(CPACK_DEBIAN_TORCH_DESCRIPTION
    "The libtorch parts of tpu-migrate: the numerics engine of `tpu-migrate check` and the\nTorchScript tracer of `tpu-migrate trace --torchscript`.")
set(CPACK_DEBIAN_TORCH_PACKAGE_DEPENDS "tpu-migrate (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_TORCH_PACKAGE_SECTION science)
include(CPack)
cpack_add_component(tool DISPLAY_NAME "tpu-migrate" REQUIRED)
cpack_add_component(torch DISPLAY_NAME "libtorch parts" DEPENDS tool)
