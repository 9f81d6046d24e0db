# telepane_discover_tests(<target> <prefix> <label>): registers each Catch2 test case of <target> with ctest.
# A ctest entry whose filter matches no test case must fail, not pass having run nothing (a ';' in a test name,
# for one, splits it into two filters that match nothing).
function(telepane_discover_tests target prefix label)
  catch_discover_tests(${target} TEST_PREFIX "${prefix}" PROPERTIES LABELS ${label} TIMEOUT 120
    FAIL_REGULAR_EXPRESSION "No test cases matched|No tests ran")
endfunction()
