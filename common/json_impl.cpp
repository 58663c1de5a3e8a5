// The compiled part of Boost.JSON, built into vhtask_common (header-only use: this must be the
// only translation unit in the program that includes <boost/json/src.hpp>).
#include <boost/json/src.hpp>
