/**
 * Worker thread for the all-pairs search: takes chunks of units from a shared counter and writes each unit's exact
 * best score and key into shared arrays (top-k lists are posted back). Loaded from `dist/dedup/worker.js`, or from
 * this `.ts` file with `--import tsx` when the library runs from source.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runChunks, type AllPairsShared } from "./allpairs-kernel.js";

if (parentPort) {
  const port = parentPort;
  const shared = workerData as AllPairsShared;
  const scored = runChunks(shared, (msg) => port.postMessage(msg));
  port.postMessage({ type: "done", scored });
}
