// PostGIS as the shared store: `aras load-postgis` round trip and the scenario store on a real PostgreSQL 15.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "aras/geo/layer_io.hpp"
#include "aras/service/scenario_store.hpp"
#include "support/run_command.hpp"

namespace fs = std::filesystem;
using namespace aras;
using nlohmann::json;

namespace {

const std::string kScripts = std::string(ARAS_TEST_DATA_DIR) + "/../postgis/";

// A throwaway cluster for the whole suite: tests/postgis/start.sh prints DIR=... and the PG: string.
class PostGis : public ::testing::Test {
protected:
    static inline std::string cluster_dir, pg, skip_reason;

    static void SetUpTestSuite() {
        const auto [status, out] = aras::test::run_command("'" + kScripts + "start.sh' 2>&1");
        for (std::size_t pos = 0; pos < out.size();) {
            const auto end = out.find('\n', pos);
            const std::string line = out.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
            if (line.rfind("DIR=", 0) == 0) cluster_dir = line.substr(4);
            if (line.rfind("PG:", 0) == 0) pg = line;
            if (end == std::string::npos) break;
            pos = end + 1;
        }
        if (status != 0 || pg.empty())
            skip_reason = "PostgreSQL 15 + PostGIS could not be started (scripts/install-deps.sh --test): " + out;
    }
    static void TearDownTestSuite() {
        if (!cluster_dir.empty()) std::system(("'" + kScripts + "stop.sh' '" + cluster_dir + "'").c_str());
    }
    void SetUp() override {
        if (!skip_reason.empty()) GTEST_SKIP() << skip_reason;
    }
    static std::string conninfo() { return pg.substr(3); }
};

struct Conn {
    PGconn* c;
    explicit Conn(const std::string& info) : c(PQconnectdb(info.c_str())) {}
    ~Conn() { PQfinish(c); }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;
    // Runs SQL; returns the first value of the first row ("" when none) and fails the test on an error.
    std::string exec(const std::string& sql) {
        PGresult* r = PQexec(c, sql.c_str());
        const auto st = PQresultStatus(r);
        EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(c);
        std::string v = (st == PGRES_TUPLES_OK && PQntuples(r) > 0) ? PQgetvalue(r, 0, 0) : "";
        PQclear(r);
        return v;
    }
};

int run_aras(const std::string& args) {
    const int status = std::system((std::string("'") + ARAS_BINARY + "' " + args + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string unique(const std::string& prefix) {
    std::random_device rd;
    return prefix + std::to_string(rd() % 1000000000u);
}

}  // namespace

TEST_F(PostGis, LoadPostgisRoundTripsEveryLayer) {
    const std::string data = ARAS_DATA_DIR;
    const std::string shp = geo::shapefile_source(data);
    ASSERT_EQ(run_aras("load-postgis '" + pg + "' --data '" + data + "'"), 0);
    const auto infos = geo::list_layers(shp);
    ASSERT_GE(infos.size(), 5u);
    for (const auto& info : infos) {
        const geo::Layer from_shp = geo::read_layer(shp, info.name);
        const geo::Layer from_pg = geo::read_layer(pg, info.name);
        ASSERT_EQ(from_pg.features.size(), from_shp.features.size()) << info.name;
        // Same geometries, feature by feature (the fid order is the load order).
        for (std::size_t i = 0; i < from_shp.features.size(); ++i) {
            const auto& a = from_shp.features[i].geometry;
            const auto& b = from_pg.features[i].geometry;
            ASSERT_EQ(a.index(), b.index()) << info.name << " #" << i;
            EXPECT_TRUE(a == b) << info.name << " #" << i << " geometry differs";
        }
        const auto& p0 = from_shp.features.front().properties;
        const auto& q0 = from_pg.features.front().properties;
        for (const auto& [k, v] : p0.items()) {
            ASSERT_TRUE(q0.contains(k)) << info.name << "." << k;
            if (v.is_number()) EXPECT_DOUBLE_EQ(q0[k].get<double>(), v.get<double>()) << info.name << "." << k;
            else EXPECT_EQ(q0[k], v) << info.name << "." << k;
        }
    }
    // The layers are real PostGIS tables in EPSG:4326 with a spatial index.
    Conn c(conninfo());
    EXPECT_EQ(c.exec("SELECT Find_SRID('public', 'roads', 'geom')"), "4326");
    EXPECT_EQ(c.exec("SELECT count(*) FROM pg_indexes WHERE tablename = 'roads' AND indexdef LIKE '%gist%'"), "1");
    // Loading again replaces, never duplicates.
    ASSERT_EQ(run_aras("load-postgis '" + pg + "' --data '" + data + "' --layer crossings"), 0);
    EXPECT_EQ(geo::read_layer(pg, "crossings").features.size(), geo::read_layer(shp, "crossings").features.size());
}

TEST_F(PostGis, LoadPostgisRejectsBadTargets) {
    EXPECT_EQ(run_aras("load-postgis not-a-pg-string"), 2);
    EXPECT_EQ(run_aras("load-postgis 'PG:host=127.0.0.1 port=1 dbname=nowhere connect_timeout=2'"), 1);
}

TEST_F(PostGis, TwoReplicasSeeTheSameScenarios) {
    auto a = service::make_postgres_scenario_store(pg);
    auto b = service::make_postgres_scenario_store(pg);
    const std::string id = unique("astara-closed-");
    const json doc = {{"name", "Astara closed"}, {"closed_crossings", {"astara"}}, {"note", "آستارا / אסטארה"}};
    const auto made = a->create(doc, id);
    EXPECT_EQ(made.id, id);
    EXPECT_FALSE(made.created_at.empty());
    const auto seen = b->get(id);
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->document, doc);
    bool listed = false;
    for (const auto& s : b->list()) listed = listed || s.id == id;
    EXPECT_TRUE(listed);
    EXPECT_THROW(b->create(doc, id), service::ScenarioConflict);
    const auto fresh = b->create({{"name", "generated id"}});
    EXPECT_TRUE(a->get(fresh.id).has_value());
    EXPECT_TRUE(b->remove(id));
    EXPECT_FALSE(a->get(id).has_value());
    EXPECT_FALSE(a->remove(id));
    EXPECT_THROW(a->create(json::array({1, 2})), service::InvalidScenario);
    EXPECT_THROW(a->create(doc, std::string("bad id; DROP TABLE")), service::InvalidScenario);
}

TEST_F(PostGis, AKilledTransactionLosesNothingCommittedAndLeavesNoPartialRow) {
    auto store = service::make_postgres_scenario_store(pg);
    const std::string committed = unique("committed-"), partial = unique("partial-");
    store->create({{"name", "committed before the crash"}}, committed);

    // A writer dies mid-transaction: its backend is terminated between INSERT and COMMIT.
    Conn writer(conninfo());
    writer.exec("BEGIN");
    writer.exec("INSERT INTO aras_scenarios (id, document) VALUES ('" + partial + "', '{\"name\":\"half\"}')");
    const std::string pid = writer.exec("SELECT pg_backend_pid()");
    Conn admin(conninfo());
    EXPECT_EQ(admin.exec("SELECT pg_terminate_backend(" + pid + ")"), "t");
    PGresult* r = PQexec(writer.c, "COMMIT");
    EXPECT_NE(PQresultStatus(r), PGRES_COMMAND_OK) << "the killed session cannot commit";
    PQclear(r);

    auto replica = service::make_postgres_scenario_store(pg);
    EXPECT_TRUE(replica->get(committed).has_value());
    EXPECT_FALSE(replica->get(partial).has_value());
    EXPECT_EQ(admin.exec("SELECT count(*) FROM aras_scenarios WHERE id = '" + partial + "'"), "0");

    // A batch with a clash half-way is stored whole or not at all.
    const std::string b1 = unique("batch-"), b2 = unique("batch-");
    EXPECT_THROW(store->create_all({{b1, {{"n", 1}}}, {committed, {{"n", 2}}}, {b2, {{"n", 3}}}}),
                 service::ScenarioConflict);
    EXPECT_FALSE(replica->get(b1).has_value());
    EXPECT_FALSE(replica->get(b2).has_value());
    EXPECT_EQ(store->create_all({{b1, {{"n", 1}}}, {b2, {{"n", 3}}}}).size(), 2u);
    EXPECT_TRUE(replica->get(b2).has_value());

    // The store's own connection is killed (server restart, failover): the next call reconnects.
    EXPECT_EQ(admin.exec("SELECT count(pg_terminate_backend(pid)) > 0 FROM pg_stat_activity "
                         "WHERE application_name = 'aras'"),
              "t");
    EXPECT_TRUE(store->get(committed).has_value());
}

TEST(ScenarioStoreLocal, FileStoresOnOneDirectoryShareScenarios) {
    const fs::path dir = fs::temp_directory_path() / unique("aras-scenarios-");
    auto a = service::open_scenario_store(dir.string());
    auto b = service::open_scenario_store(dir.string());
    a->create({{"name", "Jolfa closed"}}, std::string("jolfa"));
    ASSERT_TRUE(b->get("jolfa").has_value());
    EXPECT_EQ(b->get("jolfa")->document.at("name"), "Jolfa closed");
    EXPECT_THROW(b->create({{"x", 1}}, std::string("jolfa")), service::ScenarioConflict);
    EXPECT_THROW(a->create_all({{"k1", {{"x", 1}}}, {"jolfa", {{"x", 2}}}}), service::ScenarioConflict);
    EXPECT_FALSE(b->get("k1").has_value()) << "a failed batch is rolled back";
    EXPECT_EQ(b->list().size(), 1u);
    EXPECT_FALSE(b->get("../etc/passwd").has_value());
    EXPECT_TRUE(b->remove("jolfa"));
    EXPECT_TRUE(a->list().empty());
    fs::remove_all(dir);
}

TEST(ScenarioStoreLocal, MemoryStore) {
    auto s = service::open_scenario_store(":memory:");
    const auto x = s->create({{"name", "x"}});
    EXPECT_EQ(s->list().size(), 1u);
    EXPECT_EQ(s->get(x.id)->document.at("name"), "x");
    EXPECT_THROW(s->create({{"name", "y"}}, x.id), service::ScenarioConflict);
    EXPECT_TRUE(s->remove(x.id));
    EXPECT_FALSE(s->get(x.id).has_value());
    s->create({{"name", "again"}}, x.id);
    EXPECT_EQ(s->list().size(), 1u);
}
