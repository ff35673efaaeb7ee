"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { AppError } from "@/lib/errors";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        // Retrying a refusal (4xx) cannot help; a flaky network or a 5xx can.
        retry: (failures, error) => failures < 2 && !(error instanceof AppError && error.status < 500),
      },
    },
  });
}

/** TanStack Query for the client components below it (one client per browser tab). */
export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
