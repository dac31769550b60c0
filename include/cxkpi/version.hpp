#pragma once
/// \file
/// The library version (kept equal to project(VERSION) in CMakeLists.txt).

#define CXKPI_VERSION_MAJOR 0
#define CXKPI_VERSION_MINOR 1
#define CXKPI_VERSION_PATCH 0
