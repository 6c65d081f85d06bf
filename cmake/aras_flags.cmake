# Compiler flags live on INTERFACE targets (as GEOS does), never in global CMAKE_CXX_FLAGS.
add_library(aras_cxx_flags INTERFACE)
target_compile_options(aras_cxx_flags INTERFACE -Wall -Wextra -Wpedantic)
if(ARAS_WERROR)
  target_compile_options(aras_cxx_flags INTERFACE -Werror)
endif()

# ARAS_SANITIZE: ASan + UBSan on every Aras target (gcc or clang). UBSan does not recover, so a
# finding aborts the test that hit it instead of printing a line nobody reads (docs/TESTING.md).
# ARAS_FUZZ (clang): also libFuzzer coverage instrumentation on every Aras target; the fuzz
# executables themselves add -fsanitize=fuzzer (tests/fuzz/CMakeLists.txt).
add_library(aras_sanitizers INTERFACE)
if(ARAS_SANITIZE OR ARAS_FUZZ)
  target_compile_options(aras_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(aras_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
if(ARAS_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(aras_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
target_link_libraries(aras_cxx_flags INTERFACE aras_sanitizers)
