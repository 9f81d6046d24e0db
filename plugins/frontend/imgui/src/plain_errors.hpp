// Why a connection failed, in the words a person needs: what happened and what to do about it. The application's
// reasons are precise but technical ("rendezvous server X: peer N is not registered here"); the window leads with
// the plain sentence and keeps the precise reason after it.
#pragma once

#include <string>

namespace telepane::frontend {

// `state`: the viewer state (failed, closed, password); `message`: the application's reason.
std::string plain_error(const std::string& state, const std::string& message);

}  // namespace telepane::frontend
