/**
 * The "Connect an app" page's copy-paste snippets: plain text, filled with this deployment's URL and a token (or a
 * placeholder while the user has not pasted or created one). Pure: no I/O, no React; the page and the tests use it.
 *
 * The paths below are the app's real routes (app/api/v1, app/api/anthropic, app/api/track); tests/connect checks the
 * generated requests against them with a real token.
 */

/** What a snippet shows where the token goes until the user picks one they hold. */
export const TOKEN_PLACEHOLDER = "sb_...";

/** The OpenAI SDK appends /chat/completions, /embeddings, /models to this. */
export const OPENAI_BASE_PATH = "/api/v1";
/** The Anthropic SDK and Claude Code append /v1/messages to this. */
export const ANTHROPIC_BASE_PATH = "/api/anthropic";
export const TRACK_PATH = "/api/track";
export const STATS_PATH = "/api/usage/stats";

export const DEFAULT_OPENAI_MODEL = "openai:gpt-4o-mini";
export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";

export type SnippetId =
  | "curl-openai"
  | "curl-anthropic"
  | "openai-node"
  | "openai-python"
  | "anthropic-node"
  | "anthropic-python"
  | "claude-code-env"
  | "track-curl"
  | "track-hook"
  | "track-hook-settings";

export type SnippetGroup = "gateway" | "claude-code" | "track";

export interface Snippet {
  id: SnippetId;
  group: SnippetGroup;
  title: string;
  /** For the code block's label and highlighting: bash, javascript, python, json. */
  language: "bash" | "javascript" | "python" | "json";
  /** One sentence: when to use it. */
  description: string;
  /** What the token needs. */
  scope: "gateway" | "track";
  code: string;
}

export interface SnippetOptions {
  /** The deployment's base URL, e.g. https://spend.example.com (a trailing slash is dropped). */
  baseUrl: string;
  /** The token to fill in; the placeholder when absent or blank. */
  token?: string | null;
  /** An `x-spendboard-feature` tag for the gateway snippets (none: the token's default feature, else `api`). */
  feature?: string | null;
}

/** The base URL without a trailing slash (and without a query or fragment). */
export function normalizeBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The gateway's and the tracking API's URLs for a deployment. */
export function connectUrls(baseUrl: string) {
  const base = normalizeBaseUrl(baseUrl);
  return {
    base,
    openaiBase: `${base}${OPENAI_BASE_PATH}`,
    chatCompletions: `${base}${OPENAI_BASE_PATH}/chat/completions`,
    models: `${base}${OPENAI_BASE_PATH}/models`,
    anthropicBase: `${base}${ANTHROPIC_BASE_PATH}`,
    messages: `${base}${ANTHROPIC_BASE_PATH}/v1/messages`,
    track: `${base}${TRACK_PATH}`,
    stats: `${base}${STATS_PATH}`,
  };
}

/** A string as a single-quoted shell word (a `'` inside becomes `'\''`). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A string as a JavaScript / Python / JSON double-quoted literal. */
const q = (value: string) => JSON.stringify(value);

export function connectSnippets({ baseUrl, token, feature }: SnippetOptions): Snippet[] {
  const urls = connectUrls(baseUrl);
  const key = token?.trim() ? token.trim() : TOKEN_PLACEHOLDER;
  const tag = feature?.trim() ? feature.trim() : null;
  const curlHeaders = (lines: string[]) => lines.map((line) => `  -H ${q(line)} \\`).join("\n");
  const featureHeader = tag ? [`x-spendboard-feature: ${tag}`] : [];
  const nodeHeaders = tag ? `,\n  defaultHeaders: { "x-spendboard-feature": ${q(tag)} },` : ",";
  const pythonHeaders = tag ? `,\n    default_headers={"x-spendboard-feature": ${q(tag)}},` : ",";

  const openaiBody = JSON.stringify({ model: DEFAULT_OPENAI_MODEL, messages: [{ role: "user", content: "Hello" }] });
  const anthropicBody = JSON.stringify({ model: DEFAULT_ANTHROPIC_MODEL, max_tokens: 256, messages: [{ role: "user", content: "Hello" }] });
  const trackBody = JSON.stringify({
    event_id: "run-42-step-1",
    skill_id: "pdf-summary",
    tool_name: "Read",
    model_name: DEFAULT_ANTHROPIC_MODEL,
    input_tokens: 1200,
    output_tokens: 350,
    session_id: "run-42",
  });

  return [
    {
      id: "curl-openai",
      group: "gateway",
      title: "curl: OpenAI chat completions",
      language: "bash",
      description: "Any OpenAI-compatible client: POST to the chat completions endpoint with the token as a Bearer token.",
      scope: "gateway",
      code: [`curl ${urls.chatCompletions} \\`, curlHeaders([`Authorization: Bearer ${key}`, "content-type: application/json", ...featureHeader]), `  -d ${shellQuote(openaiBody)}`].join("\n"),
    },
    {
      id: "curl-anthropic",
      group: "gateway",
      title: "curl: Anthropic messages",
      language: "bash",
      description: "The Anthropic Messages API; the token goes in x-api-key (or Authorization: Bearer).",
      scope: "gateway",
      code: [
        `curl ${urls.messages} \\`,
        curlHeaders([`x-api-key: ${key}`, "anthropic-version: 2023-06-01", "content-type: application/json", ...featureHeader]),
        `  -d ${shellQuote(anthropicBody)}`,
      ].join("\n"),
    },
    {
      id: "openai-node",
      group: "gateway",
      title: "OpenAI SDK (Node)",
      language: "javascript",
      description: "npm install openai. Model refs like openai:gpt-4o-mini or anthropic:claude-sonnet-4-5 work, and plain ids.",
      scope: "gateway",
      code: `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: ${q(urls.openaiBase)},
  apiKey: ${q(key)}${nodeHeaders}
});

const answer = await client.chat.completions.create({
  model: ${q(DEFAULT_OPENAI_MODEL)},
  messages: [{ role: "user", content: "Hello" }],
});
console.log(answer.choices[0].message.content);`,
    },
    {
      id: "openai-python",
      group: "gateway",
      title: "OpenAI SDK (Python)",
      language: "python",
      description: "pip install openai. The same base URL serves /chat/completions, /embeddings and /models.",
      scope: "gateway",
      code: `from openai import OpenAI

client = OpenAI(
    base_url=${q(urls.openaiBase)},
    api_key=${q(key)}${pythonHeaders}
)

answer = client.chat.completions.create(
    model=${q(DEFAULT_OPENAI_MODEL)},
    messages=[{"role": "user", "content": "Hello"}],
)
print(answer.choices[0].message.content)`,
    },
    {
      id: "anthropic-node",
      group: "gateway",
      title: "Anthropic SDK (Node)",
      language: "javascript",
      description: "npm install @anthropic-ai/sdk. The SDK adds /v1/messages to the base URL.",
      scope: "gateway",
      code: `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({
  baseURL: ${q(urls.anthropicBase)},
  apiKey: ${q(key)}${nodeHeaders}
});

const message = await client.messages.create({
  model: ${q(DEFAULT_ANTHROPIC_MODEL)},
  max_tokens: 256,
  messages: [{ role: "user", content: "Hello" }],
});
console.log(message.content);`,
    },
    {
      id: "anthropic-python",
      group: "gateway",
      title: "Anthropic SDK (Python)",
      language: "python",
      description: "pip install anthropic.",
      scope: "gateway",
      code: `from anthropic import Anthropic

client = Anthropic(
    base_url=${q(urls.anthropicBase)},
    api_key=${q(key)}${pythonHeaders}
)

message = client.messages.create(
    model=${q(DEFAULT_ANTHROPIC_MODEL)},
    max_tokens=256,
    messages=[{"role": "user", "content": "Hello"}],
)
print(message.content)`,
    },
    {
      id: "claude-code-env",
      group: "claude-code",
      title: "Claude Code through the gateway",
      language: "bash",
      description:
        "Every call Claude Code makes goes through Spendboard, metered and held to your budgets, with your Anthropic key. Put the exports in your shell profile to keep them.",
      scope: "gateway",
      code: `export ANTHROPIC_BASE_URL=${shellQuote(urls.anthropicBase)}
export ANTHROPIC_AUTH_TOKEN=${shellQuote(key)}
claude`,
    },
    {
      id: "track-curl",
      group: "track",
      title: "curl: report a call your app made itself",
      language: "bash",
      description:
        "For apps that call a provider directly: one event or {\"events\": [...]} with up to 1,000. event_id makes a retry safe (stored once).",
      scope: "track",
      code: [`curl ${urls.track} \\`, curlHeaders([`Authorization: Bearer ${key}`, "content-type: application/json"]), `  -d ${shellQuote(trackBody)}`].join("\n"),
    },
    {
      id: "track-hook",
      group: "track",
      title: "Claude Code hook: report each tool use (~/.claude/spendboard-hook.mjs)",
      language: "javascript",
      description:
        "Only when Claude Code calls Anthropic directly (not through the gateway above, which meters it already). Reads the hook's JSON on stdin and the turn's usage from the transcript, and posts it to /api/track; it never blocks Claude Code.",
      scope: "track",
      code: trackHookScript(urls.track, key),
    },
    {
      id: "track-hook-settings",
      group: "track",
      title: "Claude Code settings: run the hook (~/.claude/settings.json)",
      language: "json",
      description: "Merge into your Claude Code settings; the hook runs after every tool use.",
      scope: "track",
      code: JSON.stringify(
        { hooks: { PostToolUse: [{ matcher: "*", hooks: [{ type: "command", command: "node ~/.claude/spendboard-hook.mjs", timeout: 10 }] }] } },
        null,
        2,
      ),
    },
  ];
}

/**
 * A Claude Code PostToolUse hook (Node ≥ 18, no packages): stdin is `{session_id, transcript_path, tool_name,
 * tool_input, tool_use_id, …}`; the transcript's last assistant message carries the model and Anthropic's usage
 * (input without cache, cache reads and writes, output). One assistant turn may call several tools: its tokens are
 * reported once, under the turn's message id as event_id (a second report of the same turn is a duplicate). A skill
 * is the Skill tool's `skill` input, else SPENDBOARD_SKILL.
 */
function trackHookScript(trackUrl: string, token: string): string {
  return `#!/usr/bin/env node
// Spendboard: report each Claude Code tool use and the tokens of the turn that made it.
import { readFileSync } from "node:fs";

const URL = process.env.SPENDBOARD_TRACK_URL ?? ${q(trackUrl)};
const TOKEN = process.env.SPENDBOARD_TOKEN ?? ${q(token)};

try {
  const hook = JSON.parse(readFileSync(0, "utf8") || "{}");
  let turn = null;
  try {
    const lines = readFileSync(hook.transcript_path, "utf8").trim().split("\\n");
    for (let i = lines.length - 1; i >= 0 && !turn; i--) {
      const entry = JSON.parse(lines[i]);
      if (entry.type === "assistant" && entry.message?.usage) turn = entry.message;
    }
  } catch {}
  const usage = turn?.usage ?? {};
  const skill = hook.tool_name === "Skill" ? hook.tool_input?.skill : process.env.SPENDBOARD_SKILL;
  const event = {
    event_id: \`claude-code:\${hook.session_id}:\${turn?.id ?? hook.tool_use_id ?? Date.now()}\`,
    skill_id: skill || undefined,
    tool_name: hook.tool_name,
    provider: "anthropic",
    model_name: turn?.model,
    input_tokens: usage.input_tokens,
    cache_read_tokens: usage.cache_read_input_tokens,
    cache_write_tokens: usage.cache_creation_input_tokens,
    output_tokens: usage.output_tokens,
    session_id: hook.session_id,
    feature: "claude-code",
  };
  await fetch(URL, {
    method: "POST",
    headers: { authorization: \`Bearer \${TOKEN}\`, "content-type": "application/json" },
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(5000),
  });
} catch {
  // Never block Claude Code: a lost report is better than a stuck session.
}
process.exit(0);`;
}
