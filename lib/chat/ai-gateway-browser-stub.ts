/**
 * What the browser build gets for `@ai-sdk/gateway` (next.config.ts aliases it for the browser only). The `ai` package
 * imports Vercel's AI Gateway provider as its default for string model ids, and the provider's module builds itself
 * when loaded (its zod schemas, Vercel OIDC, a Buffer polyfill: about a third of the chat page's JavaScript). The
 * browser only streams our own `/api/chat` through `useChat`; models are resolved on the server with our providers.
 */

class GatewayUnavailableInBrowser extends Error {
  static isInstance(): boolean {
    return false;
  }
}

export const GatewayError = GatewayUnavailableInBrowser;
export const GatewayAuthenticationError = GatewayUnavailableInBrowser;

export function createGateway(): never {
  throw new GatewayUnavailableInBrowser("The AI Gateway provider is not part of the browser build.");
}

export const gateway = createGateway as unknown as Record<string, unknown>;
