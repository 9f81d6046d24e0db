#include "settings.hpp"

#include <telepane/core/runtime/runtime.hpp>

namespace telepane::app {
namespace {
constexpr const char* kPeerSections = R"JSON(
    "host": {
      "type": "object",
      "description": "Sharing this machine (telepane host)",
      "properties": {
        "listen": {"type": "string", "default": "0.0.0.0:21118",
                   "description": "Address for direct connections (LAN, port-forwarded, direct IP); port 0 picks one"},
        "grant": {"type": "array", "items": {"type": "string"}, "default": ["screen", "input", "clipboard", "chat"],
                  "description": "What an authenticated viewer may use: screen (see it), input (control it), clipboard, chat; leave out input and clipboard for view-only"},
        "screen": {
          "type": "object",
          "description": "The screen this host shares",
          "properties": {
            "capture": {"type": "string", "default": "",
                        "description": "Capture feature (x11, testpattern); empty: the best loaded one"},
            "display": {"type": "integer", "minimum": 0, "maximum": 15, "default": 0,
                        "description": "Which of the capture's displays (monitors): 0 is the primary"},
            "max_fps": {"type": "integer", "minimum": 1, "maximum": 120, "default": 30,
                        "description": "Frame rate cap; a viewer may ask for less, an unchanged screen sends none"},
            "codecs": {"type": "array", "items": {"type": "string"}, "default": [],
                       "description": "Codecs in the order this host prefers them (h264, vp9, vp8, raw); empty: the viewer's preference"},
            "quality": {"type": "string", "enum": ["low", "balanced", "high"], "default": "balanced",
                        "description": "Bitrate range the rate control works in: low 0.2-4 Mbit/s, balanced 0.3-15, high 0.5-40"},
            "record_dir": {"type": "string", "default": "",
                           "description": "Host-side recording: every session's stream is written here (.webm for VP8/VP9, .mkv for H.264); empty: off"}
          }
        },
        "trusted": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{9}@[a-z2-7]{32}$"}, "default": [],
                    "description": "Full IDs of viewers' devices that need no password (their key is proven by the IK handshake)"},
        "confirm": {"type": "string", "enum": ["never", "ask", "deny"], "default": "never",
                    "description": "After a viewer authenticates: never ask; ask the person at this machine (the desktop app prompts, a headless host asks on its terminal and refuses without one); or deny every session (maintenance)"},
        "confirm_timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 600000, "default": 30000,
                               "description": "An unanswered confirmation is a refusal after this long"},
        "max_sessions": {"type": "integer", "minimum": 1, "maximum": 1024, "default": 32,
                         "description": "Sessions at once, authenticated or not"},
        "max_pending_per_source": {"type": "integer", "minimum": 1, "maximum": 1024, "default": 4,
                                   "description": "Connections still authenticating from one address"},
        "auth_backoff_ms": {"type": "integer", "minimum": 100, "maximum": 60000, "default": 1000,
                            "description": "After 3 wrong passwords (from one address, or for this host from anywhere), the wait before the next attempt; it doubles with each further one, up to 5 minutes"},
        "auth_timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 600000, "default": 20000,
                            "description": "A connection that has not authenticated by then is closed"},
        "resume_window_ms": {"type": "integer", "minimum": 0, "maximum": 600000, "default": 30000,
                             "description": "How long a session whose connection dropped waits for its viewer to resume it (no new handshake, no new password); 0: a drop ends the session"}
      }
    },
    "rendezvous": {
      "type": "object",
      "description": "The telepane-server this peer registers with (host) and looks peers up at (connect)",
      "properties": {
        "server": {"type": "string", "default": "",
                   "description": "HOST[:PORT] of the rendezvous server (port 21116 when omitted); empty: direct connections only"},
        "key": {"type": "string", "default": "", "pattern": "^([A-Za-z0-9_-]{43})?$",
                "description": "The server's public key as telepane-server prints it; answers not signed by it are refused"},
        "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 120000, "default": 10000,
                       "description": "How long to wait for the server's answers"}
      }
    },
    "connect": {
      "type": "object",
      "description": "How telepane connect reaches a host found by ID",
      "properties": {
        "paths": {"type": "array", "items": {"type": "string", "enum": ["direct", "punch", "relay"]},
                  "default": ["direct", "punch", "relay"],
                  "description": "Paths raced at once: direct (TCP to the host's registered addresses), punch (UDP hole punching through both NATs, coordinated by the rendezvous server) and relay; --relay means [relay]"},
        "direct_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 60000, "default": 3000,
                              "description": "How long the direct TCP attempts may take"},
        "direct_grace_ms": {"type": "integer", "minimum": 0, "maximum": 60000, "default": 1000,
                            "description": "How long a relay that is ready waits for a direct path (TCP or punched) before the session starts on the relay"},
        "upgrade": {"type": "boolean", "default": true,
                    "description": "When the session started on the relay and a punch succeeds later, move the session to the direct path"},
        "resume": {"type": "boolean", "default": true,
                   "description": "After a drop, race the paths again and resume the session within the host's window"},
        "codecs": {"type": "array", "items": {"type": "string"}, "default": [],
                   "description": "Codecs this viewer prefers, in order (h264, vp9, vp8, raw); the rest follow by rank"},
        "max_fps": {"type": "integer", "minimum": 0, "maximum": 120, "default": 0,
                    "description": "Frame rate to ask the host for; 0: the host's cap"}
      }
    })JSON";
}  // namespace

const char* peer_sections_json() {
  return kPeerSections;
}

core::config::Schema peer_settings() {
  return core::Runtime::settings_schema(kPeerSections, "peer settings");
}

}  // namespace telepane::app
