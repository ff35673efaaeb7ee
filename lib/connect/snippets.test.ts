import { describe, expect, it } from "vitest";
import { deploymentBaseUrl } from "./base-url";
import { TOKEN_PLACEHOLDER, connectSnippets, connectUrls, shellQuote, type SnippetId } from "./snippets";

const TOKEN = "sb_live_0123456789abcdefABCDEF";
const byId = (options: Parameters<typeof connectSnippets>[0]) => {
  const map = new Map(connectSnippets(options).map((s) => [s.id, s]));
  return (id: SnippetId) => map.get(id)!.code;
};

describe("connect snippets", () => {
  it("has every snippet the page offers, each once", () => {
    const ids = connectSnippets({ baseUrl: "https://spend.example.com" }).map((s) => s.id);
    expect(ids).toEqual([
      "curl-openai",
      "curl-anthropic",
      "openai-node",
      "openai-python",
      "anthropic-node",
      "anthropic-python",
      "claude-code-env",
      "track-curl",
      "track-hook",
      "track-hook-settings",
    ]);
  });

  it("derives every URL from the base URL (trailing slash dropped)", () => {
    expect(connectUrls("https://spend.example.com/")).toEqual({
      base: "https://spend.example.com",
      openaiBase: "https://spend.example.com/api/v1",
      chatCompletions: "https://spend.example.com/api/v1/chat/completions",
      models: "https://spend.example.com/api/v1/models",
      anthropicBase: "https://spend.example.com/api/anthropic",
      messages: "https://spend.example.com/api/anthropic/v1/messages",
      track: "https://spend.example.com/api/track",
      stats: "https://spend.example.com/api/usage/stats",
    });
    expect(connectUrls("http://10.0.0.1:3000/spend/").openaiBase).toBe("http://10.0.0.1:3000/spend/api/v1");
  });

  it("uses the placeholder until there is a token, then the token everywhere the placeholder was", () => {
    const placeholder = connectSnippets({ baseUrl: "https://spend.example.com", token: "  " });
    const filled = connectSnippets({ baseUrl: "https://spend.example.com", token: TOKEN });
    for (const [i, snippet] of placeholder.entries()) {
      if (snippet.id === "track-hook-settings") {
        expect(snippet.code).not.toContain(TOKEN_PLACEHOLDER);
        continue;
      }
      expect(snippet.code, snippet.id).toContain(TOKEN_PLACEHOLDER);
      expect(filled[i]!.code, snippet.id).toBe(snippet.code.replaceAll(TOKEN_PLACEHOLDER, TOKEN));
    }
  });

  it("curl for OpenAI chat completions: the endpoint, a Bearer token, JSON, the feature tag", () => {
    const code = byId({ baseUrl: "https://spend.example.com", token: TOKEN, feature: "nightly-report" })("curl-openai");
    expect(code).toBe(
      [
        "curl https://spend.example.com/api/v1/chat/completions \\",
        `  -H "Authorization: Bearer ${TOKEN}" \\`,
        '  -H "content-type: application/json" \\',
        '  -H "x-spendboard-feature: nightly-report" \\',
        `  -d '{"model":"openai:gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
      ].join("\n"),
    );
  });

  it("curl for Anthropic messages: x-api-key, the API version, max_tokens", () => {
    const code = byId({ baseUrl: "https://spend.example.com", token: TOKEN })("curl-anthropic");
    expect(code).toContain("curl https://spend.example.com/api/anthropic/v1/messages \\");
    expect(code).toContain(`-H "x-api-key: ${TOKEN}"`);
    expect(code).toContain('-H "anthropic-version: 2023-06-01"');
    expect(code).toContain(`"max_tokens":256`);
    expect(code).not.toContain("x-spendboard-feature");
  });

  it("SDKs: base URLs the SDKs append their paths to, and the token as their key", () => {
    const code = byId({ baseUrl: "https://spend.example.com", token: TOKEN });
    expect(code("openai-node")).toContain('baseURL: "https://spend.example.com/api/v1"');
    expect(code("openai-node")).toContain(`apiKey: "${TOKEN}"`);
    expect(code("openai-python")).toContain('base_url="https://spend.example.com/api/v1"');
    expect(code("openai-python")).toContain(`api_key="${TOKEN}"`);
    expect(code("anthropic-node")).toContain('baseURL: "https://spend.example.com/api/anthropic"');
    expect(code("anthropic-python")).toContain('base_url="https://spend.example.com/api/anthropic"');
    // With a feature, the SDKs send it on every request.
    const tagged = byId({ baseUrl: "https://spend.example.com", token: TOKEN, feature: "agent" });
    expect(tagged("openai-node")).toContain('defaultHeaders: { "x-spendboard-feature": "agent" }');
    expect(tagged("openai-python")).toContain('default_headers={"x-spendboard-feature": "agent"}');
  });

  it("Claude Code: ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN, shell-quoted", () => {
    expect(byId({ baseUrl: "https://spend.example.com", token: TOKEN })("claude-code-env")).toBe(
      `export ANTHROPIC_BASE_URL='https://spend.example.com/api/anthropic'\nexport ANTHROPIC_AUTH_TOKEN='${TOKEN}'\nclaude`,
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("the tracking curl posts the fields hooks send", () => {
    const code = byId({ baseUrl: "https://spend.example.com", token: TOKEN })("track-curl");
    expect(code.split("\n")[0]).toBe("curl https://spend.example.com/api/track \\");
    const body = JSON.parse(/-d '(.*)'$/m.exec(code)![1]!) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["event_id", "input_tokens", "model_name", "output_tokens", "session_id", "skill_id", "tool_name"]);
  });

  it("the hook script is valid JavaScript that posts to /api/track with the token, and its settings are JSON", async () => {
    const code = byId({ baseUrl: "https://spend.example.com", token: TOKEN });
    const script = code("track-hook");
    expect(script).toContain('"https://spend.example.com/api/track"');
    expect(script).toContain(`"${TOKEN}"`);
    // Parses as a module (top-level await included): compile it as an async function body without running it.
    const body = script.replace(/^#!.*\n/, "").replace(/^import .*$/m, "");
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;
    expect(() => new AsyncFunction("readFileSync", body)).not.toThrow();
    const settings = JSON.parse(code("track-hook-settings")) as { hooks: { PostToolUse: { hooks: { command: string }[] }[] } };
    expect(settings.hooks.PostToolUse[0]!.hooks[0]!.command).toBe("node ~/.claude/spendboard-hook.mjs");
  });
});

describe("the deployment's base URL", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);
  it("is AUTH_URL when set (an /api/auth path and a trailing slash dropped)", () => {
    expect(deploymentBaseUrl("https://spend.example.com/", headers({ host: "internal:3000" }))).toBe("https://spend.example.com");
    expect(deploymentBaseUrl("https://spend.example.com/api/auth", headers({}))).toBe("https://spend.example.com");
  });
  it("else the host the proxy saw, else the request's host", () => {
    expect(deploymentBaseUrl(undefined, headers({ "x-forwarded-host": "spend.example.com", "x-forwarded-proto": "https", host: "127.0.0.1:3000" }))).toBe(
      "https://spend.example.com",
    );
    expect(deploymentBaseUrl("", headers({ host: "127.0.0.1:3100" }))).toBe("http://127.0.0.1:3100");
    expect(deploymentBaseUrl("not a url", headers({ host: "spend.internal" }))).toBe("https://spend.internal");
  });
});
