/**
 * Input validation at every boundary (route handlers, server actions, pages): one text check, one id check, one
 * cursor codec, one day check, one JSON body reader and one query-string reader. No server-only imports, so the
 * shared contracts (lib/chat/contract.ts, lib/dashboard/contract.ts) can use the schema builders too.
 */
export * from "./body";
export * from "./cursor";
export * from "./dates";
export * from "./id";
export * from "./query";
export * from "./text";
