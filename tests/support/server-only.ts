// Vitest stands in for the server here: the `server-only` guard (which throws outside React Server
// Components bundling) is replaced by this empty module.
export {};
