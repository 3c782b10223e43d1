# The libFuzzer targets (tests/fuzz) as an external project built with clang (the main build is g++), and
# one ctest entry per target that fuzzes it for 5 s: Fuzz.<target>. Included from tests/CMakeLists.txt.
option(CICADA_FUZZ "Build the libFuzzer targets with clang and fuzz each for a few seconds in ctest" ON)
if(NOT CICADA_FUZZ)
  return()
endif()
find_program(CICADA_CLANGXX NAMES clang++ clang++-14)
if(NOT CICADA_CLANGXX)
  message(FATAL_ERROR "tests/fuzz needs clang++ with libFuzzer (Debian: clang libclang-rt-14-dev, "
                      "installed by scripts/install-deps.sh), or configure with -DCICADA_FUZZ=OFF")
endif()
set(fuzz_args -DCMAKE_CXX_COMPILER=${CICADA_CLANGXX})
if(CMAKE_CXX_COMPILER_LAUNCHER)
  list(APPEND fuzz_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER})
endif()
include(ExternalProject)
ExternalProject_Add(cicada_fuzz
  SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz
  BINARY_DIR ${CMAKE_BINARY_DIR}/fuzz
  CMAKE_GENERATOR Ninja
  CMAKE_ARGS ${fuzz_args}
  # One job: the outer build already runs its own jobs beside this step (2 cores).
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> -j 1
  BUILD_ALWAYS ON
  INSTALL_COMMAND "")
file(GLOB fuzz_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/*_fuzz.cpp)
foreach(src ${fuzz_sources})
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "_fuzz$" "" target ${name})
  if(target STREQUAL "grpc_infer_request" AND NOT TARGET cicada_grpc_oip)
    continue()  # no gRPC here (src/grpc_oip): nothing reads ModelInferRequest
  endif()
  add_test(NAME Fuzz.${target}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run.sh ${target} 5 ${CMAKE_BINARY_DIR}/fuzz)
  set_tests_properties(Fuzz.${target} PROPERTIES TIMEOUT 120)
endforeach()
