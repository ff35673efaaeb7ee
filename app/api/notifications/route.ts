import { countUnreadNotifications, listRecentNotifications } from "@/db/queries/notifications";
import { route } from "@/lib/http/route";

export interface NotificationItem {
  id: string;
  title: string;
  body: string;
  /** Where the notification leads (e.g. "/settings?tab=budget"); null when it leads nowhere. */
  href: string | null;
  createdAt: string;
  read: boolean;
}

/** GET /api/notifications → the signed-in user's unread count and their 20 most recent notifications. */
export interface NotificationsResponse {
  unread: number;
  items: NotificationItem[];
}

export const GET = route("user", async (_request, { user }): Promise<NotificationsResponse> => {
  const [unread, rows] = await Promise.all([
    countUnreadNotifications({ userId: user.id }),
    listRecentNotifications({ userId: user.id, limit: 20 }),
  ]);
  return {
    unread,
    items: rows.map((n) => ({
      id: n.id,
      title: n.title,
      body: n.body,
      href: n.href,
      createdAt: n.createdAt.toISOString(),
      read: n.readAt !== null,
    })),
  };
});
