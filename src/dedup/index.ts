// The dedup stage's public face (filled in by the stage).
export {};
