// PLACEHOLDER: the owning stage replaces this file with the real command.
import type { Command } from "../command.js";

const command: Command = {
  summary: "(not built yet)",
  help: "alpacare dedup: not built yet.",
  async run() {
    process.stderr.write("alpacare dedup: not built yet\n");
    return 1;
  },
};
export default command;
