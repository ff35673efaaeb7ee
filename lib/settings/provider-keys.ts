import "server-only";
import type { DbExecutor } from "@/db";
import {
  deleteProviderKey as deleteKeyRow,
  getProviderKeyByName,
  listProviderKeys,
  upsertProviderKey,
} from "@/db/queries/provider-keys";
import { inTransaction } from "@/db/queries/transaction";
import type { KeyStatus, ProviderKey, ProviderKind } from "@/db/schema";
import { encryptSecret, last4 } from "@/lib/crypto/key-vault";
import { AppError } from "@/lib/errors";
import { PROVIDERS, providerBaseUrl } from "@/lib/providers/registry";
import { checkProviderKey, type KeyCheck } from "@/lib/providers/verify-key";
import type { SaveKeyInput } from "./schemas";

/** What the browser may see of a stored key: never the key, only its last 4 characters. */
export interface KeyView {
  id: string;
  provider: ProviderKind;
  providerLabel: string;
  name: string;
  baseUrl: string | null;
  last4: string | null;
  status: KeyStatus;
  statusMessage: string | null;
  modelCount: number;
  createdAt: string;
  lastVerifiedAt: string | null;
}

export function toKeyView(row: ProviderKey): KeyView {
  return {
    id: row.id,
    provider: row.provider,
    providerLabel: PROVIDERS[row.provider].label,
    name: row.name,
    baseUrl: row.provider === "openai-compatible" ? row.baseUrl : null,
    last4: row.keyLast4,
    status: row.status,
    statusMessage: row.statusMessage,
    modelCount: row.models?.length ?? 0,
    createdAt: row.createdAt.toISOString(),
    lastVerifiedAt: row.lastVerifiedAt?.toISOString() ?? null,
  };
}

export async function listKeyViews(userId: string): Promise<KeyView[]> {
  return (await listProviderKeys({ userId })).map(toKeyView);
}

export interface SaveKeyResult {
  key: KeyView;
  check: KeyCheck["status"];
  message: string;
}

/** Runs in the transaction that stores or deletes a key (the audit row commits with the change). */
export type KeyChangeHook = (change: { row: ProviderKey; previous?: ProviderKey }, executor: DbExecutor) => Promise<void>;

/**
 * Checks the key against its provider, then stores it encrypted. A key the provider rejects is not stored
 * (the provider's reason is returned on the field); one we could not check is stored as unverified.
 */
export async function saveProviderKey(userId: string, data: SaveKeyInput, onStored?: KeyChangeHook): Promise<SaveKeyResult> {
  const isCompat = data.provider === "openai-compatible";
  const baseUrl = isCompat ? data.baseUrl : providerBaseUrl(data.provider);
  const check = await checkProviderKey({ provider: data.provider, baseUrl, apiKey: data.apiKey });
  if (check.status === "rejected") {
    throw new AppError("validation_failed", `${PROVIDERS[data.provider].label} rejected this key: ${check.message}`, {
      details: { fieldErrors: { apiKey: [`${PROVIDERS[data.provider].label} rejected this key: ${check.message}`] } },
    });
  }
  const name = isCompat ? data.name : data.provider;
  const row = await inTransaction(async (tx) => {
    const previous = await getProviderKeyByName({ userId, provider: data.provider, name }, tx);
    const stored = await upsertProviderKey(
      {
        userId,
        provider: data.provider,
        name,
        baseUrl: isCompat ? data.baseUrl : null,
        encryptedKey: data.apiKey ? encryptSecret(data.apiKey, userId) : null,
        keyLast4: data.apiKey ? last4(data.apiKey) : null,
        status: check.status === "valid" ? "valid" : "unverified",
        statusMessage: check.status === "valid" ? null : check.message,
        models: check.status === "valid" ? check.models : null,
        lastVerifiedAt: check.status === "valid" ? new Date() : null,
      },
      tx,
    );
    await onStored?.({ row: stored, previous }, tx);
    return stored;
  });
  const label = isCompat ? `“${row.name}”` : PROVIDERS[data.provider].label;
  return {
    key: toKeyView(row),
    check: check.status,
    message:
      check.status === "valid"
        ? `${label} key saved and verified${check.models.length ? ` (${check.models.length} models)` : ""}.`
        : `${label} key saved, but not verified: ${check.message}`,
  };
}

export async function removeProviderKey(userId: string, keyId: string, onRemoved?: KeyChangeHook): Promise<KeyView> {
  const row = await inTransaction(async (tx) => {
    const removed = await deleteKeyRow({ userId, id: keyId }, tx);
    if (removed) await onRemoved?.({ row: removed }, tx);
    return removed;
  });
  // Someone else's key id looks exactly like a missing one.
  if (!row) throw new AppError("not_found", "That key does not exist (it may have been deleted already).");
  return toKeyView(row);
}
