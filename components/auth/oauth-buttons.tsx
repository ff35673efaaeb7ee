import { enabledOAuthProviders } from "@/app/(auth)/auth";
import { OAuthButtonList } from "./oauth-button-list";

/** Shown only for providers whose env vars are set (AUTH_GITHUB_ID/SECRET, AUTH_GOOGLE_ID/SECRET). */
export function OAuthButtons({ callbackUrl, invite }: { callbackUrl?: string; invite?: string }) {
  const providers = enabledOAuthProviders();
  if (providers.length === 0) return null;
  return <OAuthButtonList providers={providers} callbackUrl={callbackUrl} invite={invite} />;
}
