"use client";

export { Toaster } from "sonner";
