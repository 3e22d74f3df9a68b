import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { downloadDefaultModel } from "../../src/llm/index.js";
import { tempDir } from "./helpers.js";

describe("downloadDefaultModel (against a loopback server)", () => {
  it("downloads with progress, verifies the LFS digest and the GGUF magic, and refuses bad files", async () => {
    const good = Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(200_000, 7)]);
    const sha = createHash("sha256").update(good).digest("hex");
    const server = createServer((req, res) => {
      if (req.url === "/good.gguf") {
        res.writeHead(200, { "content-length": String(good.length), "x-linked-etag": `"${sha}"` });
        return res.end(good);
      }
      if (req.url === "/corrupt.gguf") {
        res.writeHead(200, { "x-linked-etag": `"${sha}"` });
        return res.end(Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(10)]));
      }
      if (req.url === "/html.gguf") {
        res.writeHead(200);
        return res.end("<html>not a model</html>");
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { dir, cleanup } = tempDir();
    try {
      const progress: number[] = [];
      const model = (file: string, path: string, sha256?: string) => ({ file, url: url + path, approxBytes: 1, license: "test", sha256 });
      const path = await downloadDefaultModel({ model: model("m.gguf", "/good.gguf"), dir, onProgress: (b) => progress.push(b) });
      assert.deepEqual(readFileSync(path), good);
      assert.equal(progress.at(-1), good.length);
      assert.match(readFileSync(`${path}.sha256`, "utf8"), new RegExp(sha));
      await assert.rejects(downloadDefaultModel({ model: model("c.gguf", "/corrupt.gguf"), dir, onProgress: () => {} }), /SHA-256 mismatch/);
      assert.ok(!existsSync(join(dir, "c.gguf")) && !existsSync(join(dir, "c.gguf.part")));
      await assert.rejects(downloadDefaultModel({ model: model("h.gguf", "/html.gguf"), dir, onProgress: () => {} }), /not a GGUF/);
      await assert.rejects(downloadDefaultModel({ model: model("p.gguf", "/good.gguf", "0".repeat(64)), dir, onProgress: () => {} }), /mismatch/);
      await assert.rejects(downloadDefaultModel({ model: model("n.gguf", "/missing.gguf"), dir, onProgress: () => {} }), /HTTP 404/);
    } finally {
      server.close();
      cleanup();
    }
  });
});
