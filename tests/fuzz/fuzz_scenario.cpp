// libFuzzer target: scenario text is rejected with ScenarioError pointing at the bad member, never a crash,
// and a scenario that parses yields its routing Costing (hazard circles built) without error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aras/routing/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aras::routing::Scenario s;
    try {
        s = aras::routing::parse_scenario_text(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const aras::routing::ScenarioError&) {
        return 0;  // the documented rejection; any other exception escapes and is reported as a finding
    }
    // Parsed scenarios with only points need no gazetteer: their Costing must build.
    if (s.located()) (void)s.costing();
    (void)s.capacity_per_h("astara", "Astara");
    return 0;
}
