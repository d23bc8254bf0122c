#include "unit.h"
#define SUITE(sym) extern const struct unit_case sym[];
#include "suites.def"
#undef SUITE
