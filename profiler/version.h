/* version.h - the product version. */
#ifndef PYCONC_PROFILER_VERSION_H
#define PYCONC_PROFILER_VERSION_H
#define PYCONC_VERSION "0.1.0"
#endif
