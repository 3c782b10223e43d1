# cmake --install: besides the binaries (their own install rules), the public headers and the engine as a
# CMake package, so that an installed copy serves both C++ paths of docs/cpp-scenarios.md:
#   - `<prefix>/bin/cicada -f scenario.cpp` compiles against `<prefix>/include` (found from the executable);
#   - find_package(cicada) + target_link_libraries(app PRIVATE cicada::cicada) for cicada as a library.
# The engine is installed as the static libraries of the runner layer and every layer under it; they are
# found by walking link dependencies, so a layer that gains a dependency needs no edit here.
if(NOT TARGET cicada_runner)
  return()
endif()
include(CMakePackageConfigHelpers)

# cicada::cicada: what a program links to use cicada as a library (cicada/run.hpp).
add_library(cicada_library INTERFACE)
target_link_libraries(cicada_library INTERFACE cicada_runner)
set_target_properties(cicada_library PROPERTIES EXPORT_NAME cicada)
add_library(cicada::cicada ALIAS cicada_library)

# Our targets reachable from `target` through link dependencies (aliases resolved), and the other
# (imported) targets they need, which the package config must find.
function(cicada_link_closure target out_ours out_imported)
  set(ours "")
  set(imported "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue t)
    get_target_property(aliased ${t} ALIASED_TARGET)
    if(aliased)
      set(t ${aliased})
    endif()
    if(t IN_LIST ours OR t IN_LIST imported)
      continue()
    endif()
    get_target_property(is_imported ${t} IMPORTED)
    if(is_imported)
      list(APPEND imported ${t})
      continue()
    endif()
    list(APPEND ours ${t})
    get_target_property(deps ${t} INTERFACE_LINK_LIBRARIES)
    foreach(dep IN LISTS deps)
      if(TARGET ${dep})
        list(APPEND queue ${dep})
      endif()
    endforeach()
  endwhile()
  set(${out_ours} ${ours} PARENT_SCOPE)
  set(${out_imported} ${imported} PARENT_SCOPE)
endfunction()

cicada_link_closure(cicada_library cicada_export_targets cicada_imported_deps)
# Dependencies the package config (cmake/cicadaConfig.cmake.in) knows how to find.
set(cicada_known_deps Threads::Threads Boost::headers OpenSSL::SSL OpenSSL::Crypto simdjson::simdjson
    nlohmann_json::nlohmann_json yaml-cpp fmt::fmt http_parser::http_parser nghttp2::nghttp2 SQLite::SQLite3
    PkgConfig::GRPCPP PkgConfig::PROTOBUF PkgConfig::LIBURING)
# The gRPC client (src/grpc_client) brings grpc++ and protobuf when the build has them.
if(TARGET cicada_grpc_oip)
  set(CICADA_WITH_GRPC ON)
else()
  set(CICADA_WITH_GRPC OFF)
endif()
foreach(dep IN LISTS cicada_imported_deps)
  if(NOT dep IN_LIST cicada_known_deps)
    message(WARNING "cicada install: the engine now needs ${dep}; add it to cmake/cicadaConfig.cmake.in "
                    "and to cicada_known_deps in cmake/install.cmake, or find_package(cicada) will fail")
  endif()
endforeach()

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/cicada DESTINATION include)
install(TARGETS ${cicada_export_targets} EXPORT cicadaTargets ARCHIVE DESTINATION lib/cicada)
install(EXPORT cicadaTargets NAMESPACE cicada:: DESTINATION lib/cmake/cicada)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cicadaConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/cicadaConfig.cmake INSTALL_DESTINATION lib/cmake/cicada)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cicadaConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cicadaConfig.cmake ${PROJECT_BINARY_DIR}/cicadaConfigVersion.cmake
        DESTINATION lib/cmake/cicada)
