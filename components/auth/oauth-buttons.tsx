import { signInWithProvider } from "@/app/(auth)/actions";
import { enabledOAuthProviders } from "@/app/(auth)/auth";
import { Button } from "@/components/ui/button";

/** Shown only for providers whose env vars are set (AUTH_GITHUB_ID/SECRET, AUTH_GOOGLE_ID/SECRET). */
export function OAuthButtons({ callbackUrl }: { callbackUrl?: string }) {
  const providers = enabledOAuthProviders();
  if (providers.length === 0) return null;
  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3 text-xs text-zinc-500">
        <span className="h-px flex-1 bg-zinc-200" /> or <span className="h-px flex-1 bg-zinc-200" />
      </div>
      {providers.map((provider) => (
        <form key={provider.id} action={signInWithProvider}>
          <input type="hidden" name="provider" value={provider.id} />
          {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
          <Button type="submit" variant="secondary" className="w-full" data-testid={`oauth-${provider.id}`}>
            Continue with {provider.name}
          </Button>
        </form>
      ))}
    </div>
  );
}
