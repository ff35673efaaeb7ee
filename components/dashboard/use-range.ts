"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useState } from "react";
import { parseRange, rangeParams, type RangeSelection } from "./range";

/**
 * The dashboard's date range, kept in the URL so a view can be shared and reloaded. Changing it replaces the URL
 * (no history entry per click) and takes effect at once: the new range is shown while the navigation completes.
 */
export function useRange(): { range: RangeSelection; error: string | null; setRange: (next: RangeSelection) => void } {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const current = searchParams.toString();
  const parsed = useMemo(() => parseRange(searchParams), [searchParams]);
  // The range just picked, until the URL catches up (router.replace runs in a transition).
  const [pending, setPending] = useState<{ base: string; range: RangeSelection } | null>(null);

  const setRange = useCallback(
    (next: RangeSelection) => {
      const params = new URLSearchParams(current);
      params.delete("range");
      params.delete("from");
      params.delete("to");
      for (const [name, value] of rangeParams(next)) params.set(name, value);
      setPending({ base: current, range: next });
      router.replace(`${pathname}?${params}`, { scroll: false });
    },
    [current, pathname, router],
  );

  if (pending && pending.base === current) return { range: pending.range, error: null, setRange };
  return { ...parsed, setRange };
}
