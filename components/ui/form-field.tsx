import type { InputHTMLAttributes } from "react";
import { Input } from "./input";
import { Label } from "./label";

interface FormFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  errors?: string[];
  hint?: string;
}

/**
 * A field's box: label, control, message. In a grid of fields (`sm:grid-cols-N`) it spans three rows of a subgrid, so
 * the controls stay on one line when one label wraps.
 */
export const FIELD_CLASS = "grid content-start gap-1.5 sm:row-span-3 sm:grid-rows-subgrid";

/** A labelled input with its validation messages right under it. */
export function FormField({ name, label, errors, hint, id = name, ...props }: FormFieldProps) {
  const errorId = `${id}-error`;
  const hasError = Boolean(errors?.length);
  return (
    <div className={FIELD_CLASS}>
      <Label htmlFor={id} className="self-end">{label}</Label>
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
