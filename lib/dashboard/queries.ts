// Only for app/api/admin/users/route.ts, which is outside this change: it should import from ./params and ./reports,
// and then this file goes. The dashboards are split by job: params.ts (query parameters), reports.ts (what each
// endpoint returns), csv-export.ts (the streamed CSV), routes.ts (the route handlers); the SQL is in db/queries/usage-*.ts.
export { adminUserParams, parseDashboardQuery } from "./params";
export { getAdminUserPage } from "./reports";
