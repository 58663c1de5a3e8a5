#pragma once

namespace vhtask::daemon::app {

// The daemon's composition root: parses the command line, sets up logging, the store, the
// scheduler and the server, and runs until shut down. Catches every exception once and turns it
// into a message and a non-zero exit status. Called from main() only.
int run(int argc, char** argv);

}  // namespace vhtask::daemon::app
