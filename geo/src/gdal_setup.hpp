// GDAL set-up shared by the geo sources that call GDAL (private to aras_geo).
#pragma once

namespace aras::geo {

// Registers GDAL's drivers once per process; cheap to call before every GDAL use.
void ensure_gdal_registered();

}  // namespace aras::geo
