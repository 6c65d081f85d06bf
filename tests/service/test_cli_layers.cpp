// `aras layers` and `aras export` run as a user would, through the built binary.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "aras/geo/layer_io.hpp"
#include "support/run_command.hpp"

namespace fs = std::filesystem;

namespace {
const std::string kFixtures = std::string(ARAS_TEST_DATA_DIR) + "/layers/shapefiles";

// Runs `command` with stderr folded into the captured output.
aras::test::CommandResult run(const std::string& command) { return aras::test::run_command(command + " 2>&1"); }

std::string aras_cmd() { return std::string("'") + ARAS_BINARY + "'"; }

fs::path scratch(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("aras_test_cli_layers_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}
}  // namespace

TEST(CliLayers, ListsFixtureLayersAsATable) {
    aras::test::CommandResult r = run(aras_cmd() + " layers --data '" + kFixtures + "'");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("name"), std::string::npos);
    EXPECT_NE(r.out.find("places"), std::string::npos);
    EXPECT_NE(r.out.find("Point"), std::string::npos);
    EXPECT_NE(r.out.find("roads"), std::string::npos);
    EXPECT_NE(r.out.find("Line String"), std::string::npos);
    EXPECT_NE(r.out.find("46.2919,38.0800,49.8671,40.4093"), std::string::npos) << r.out;
}

TEST(CliLayers, ReportsBadSources) {
    EXPECT_NE(run(aras_cmd() + " layers --data /nonexistent/aras").status, 0);
    EXPECT_EQ(run(aras_cmd() + " layers --bogus").status, 2);
}

TEST(CliLayers, ExportsEveryFormatReadableByOgrinfo) {
    const bool have_ogrinfo = std::system("ogrinfo --version >/dev/null 2>&1") == 0;
    for (const char* fmt : {"geojson", "gpkg", "shp", "fgb", "kml"}) {
        const auto ext = aras::geo::file_extension(aras::geo::parse_vector_format(fmt));
        const fs::path out = scratch(std::string("roads") + std::string(ext));
        aras::test::CommandResult r = run(aras_cmd() + " export roads --format " + fmt + " --out '" + out.string() + "' --data '" + kFixtures + "'");
        ASSERT_EQ(r.status, 0) << fmt << ": " << r.out;
        ASSERT_TRUE(fs::exists(out)) << fmt;
        auto back = aras::geo::read_layer(out.string(), fmt == std::string("kml") || fmt == std::string("gpkg") || fmt == std::string("fgb") ? "roads" : "");
        EXPECT_EQ(back.features.size(), 2u) << fmt;
        if (have_ogrinfo) {
            EXPECT_EQ(run("ogrinfo -ro -so '" + out.string() + "'").status, 0) << fmt;
        }
    }
}

TEST(CliLayers, ExportRejectsUnknownLayerAndFormat) {
    const std::string out = scratch("x.geojson").string();
    aras::test::CommandResult r = run(aras_cmd() + " export nosuchlayer --format geojson --out '" + out + "' --data '" + kFixtures + "'");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("nosuchlayer"), std::string::npos) << r.out;
    r = run(aras_cmd() + " export roads --format dxf --out '" + out + "' --data '" + kFixtures + "'");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.out.find("dxf"), std::string::npos) << r.out;
    EXPECT_EQ(run(aras_cmd() + " export roads --format geojson --data '" + kFixtures + "'").status, 2);
}
