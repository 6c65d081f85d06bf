# Compiler flags live on INTERFACE targets (as GEOS does), never in global CMAKE_CXX_FLAGS.
add_library(aras_cxx_flags INTERFACE)
target_compile_options(aras_cxx_flags INTERFACE -Wall -Wextra -Wpedantic)
if(ARAS_WERROR)
  target_compile_options(aras_cxx_flags INTERFACE -Werror)
endif()

add_library(aras_sanitizers INTERFACE)
if(ARAS_SANITIZE)
  target_compile_options(aras_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(aras_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
target_link_libraries(aras_cxx_flags INTERFACE aras_sanitizers)
