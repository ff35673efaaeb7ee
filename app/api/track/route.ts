import { tokenRoute } from "@/lib/track/api-route";
import { readTrackBody } from "@/lib/track/body";
import { trackUsage } from "@/lib/track/track";

/** POST /api/track: usage of calls an app made itself (API token with the `track` scope; see lib/track/track.ts). */
export const POST = tokenRoute({ scopes: ["track"], session: false }, async (request, { user, token }) =>
  trackUsage({ user, token: token! }, await readTrackBody(request)),
);
