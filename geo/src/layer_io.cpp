// Implemented by the foundation work; placeholder so the target builds.
#include "aras/geo/layer_io.hpp"
