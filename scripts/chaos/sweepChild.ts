/**
 * Runs the `linkgate` CLI in a child process (as bin/linkgate.js does), so the chaos run's sweeps go through
 * the CLI's own sweep path with the environment the coordinator gives it (NODE_EXTRA_CA_CERTS included).
 */
import { main } from "../../src/cli/main";

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`linkgate: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
