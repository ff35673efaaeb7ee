import { Card, CardTitle } from "@/components/ui/card";

/** States plainly what a section will hold once its feature lands. */
export function ComingNext({ title, items }: { title: string; items: string[] }) {
  return (
    <Card>
      <CardTitle>{title}</CardTitle>
      <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-zinc-600">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </Card>
  );
}
