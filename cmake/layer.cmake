# cicada_layer(NAME DEPS...): one static library per folder of src/ (see docs/architecture.md, "Layers").
# Sources are globbed so that adding a concept is adding a .hpp/.cpp pair.
function(cicada_layer name)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)
    return()  # a layer with no sources yet is not a target; apps and tests check TARGET before using it
  endif()
  # A layer whose lower layers are not there yet (being written) is skipped instead of breaking the
  # configure step for everyone; the build then simply lacks it.
  foreach(dep ${ARGN})
    if(dep MATCHES "^cicada::(.*)$")
      if(NOT TARGET cicada_${CMAKE_MATCH_1})
        message(STATUS "cicada: layer ${name} skipped: ${dep} does not exist yet")
        return()
      endif()
    endif()
  endforeach()
  add_library(cicada_${name} STATIC ${sources})
  # Source-tree paths only while building; an installed copy offers its public headers (cmake/install.cmake).
  target_include_directories(cicada_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
                             $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
  target_link_libraries(cicada_${name} PUBLIC ${ARGN})
  add_library(cicada::${name} ALIAS cicada_${name})
endfunction()

# cicada_test_dir(NAME LIBS...): one GoogleTest binary per test folder, one ctest entry per test case.
function(cicada_test_dir name)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    CICADA_SOURCE_DIR="${PROJECT_SOURCE_DIR}" CICADA_BINARY_DIR="${PROJECT_BINARY_DIR}")
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()
