# ctest driver: install the build tree into a scratch prefix, then configure, build and run
# cmake/consumer against it with find_package(tpeval).
set(prefix ${BINARY_DIR}/install-test/prefix)
file(REMOVE_RECURSE ${BINARY_DIR}/install-test)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix} RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/cmake/consumer -B ${BINARY_DIR}/install-test/build
                        -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY_DIR}/install-test/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${BINARY_DIR}/install-test/build/consumer RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the consumer computed a wrong answer: ${rc}")
endif()
# The installed Python package (when it was built): importable from the prefix, and it computes.
if(PYTHON_PACKAGE_DIR)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${prefix}/${PYTHON_PACKAGE_DIR}
                          ${PYTHON} -c "import tpeval; assert tpeval.__file__.startswith('${prefix}'); assert tpeval.evaluate()['throughput_per_s'] > 0"
                  RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "the installed Python module does not import or compute: ${rc}")
  endif()
endif()
