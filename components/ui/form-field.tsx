import type { InputHTMLAttributes } from "react";
import { Input } from "./input";
import { Label } from "./label";

interface FormFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  errors?: string[];
  hint?: string;
}

/** A labelled input with its validation messages right under it. */
export function FormField({ name, label, errors, hint, id = name, ...props }: FormFieldProps) {
  const errorId = `${id}-error`;
  const hasError = Boolean(errors?.length);
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        name={name}
        aria-invalid={hasError || undefined}
        aria-describedby={hasError ? errorId : undefined}
        {...props}
      />
      {hasError ? (
        <p id={errorId} className="text-sm text-red-600" data-testid={`${name}-error`}>
          {errors!.join(" ")}
        </p>
      ) : hint ? (
        <p className="text-xs text-zinc-500">{hint}</p>
      ) : null}
    </div>
  );
}
