// telepane nat [--server HOST[:PORT]]: how this machine's NAT maps and filters UDP, asked of the rendezvous
// server's STUN reflector, and what that means for hole punching.
#include "commands.hpp"
#include "net/nat_probe.hpp"

#include <telepane/core/rendezvous/rendezvous_client.hpp>

#include <iostream>

namespace telepane::app {

int nat_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 1) throw UsageError("'nat' takes no arguments");
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  const auto& cfg = rt.core_config();
  const std::string server = opts.server.empty() ? cfg.at_path("rendezvous.server")->text() : opts.server;
  if (server.empty()) throw UsageError("no rendezvous server to ask: --server HOST or rendezvous.server");
  const auto address = core::rendezvous::with_default_port(server, core::rendezvous::kRendezvousPort);
  std::cout << "asking " << address << " (STUN, UDP)\n" << std::flush;
  const auto report = probe_nat(address, std::chrono::milliseconds(1500));
  std::cout << describe(report) << std::flush;
  return report.mapped.empty() ? kExitFailed : kExitOk;
}

}  // namespace telepane::app
