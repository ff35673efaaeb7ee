import { describe, expect, it } from "vitest";
import { displayTitle, GENERATED_TITLE_MAX, plainTitle } from "./plain-title";

describe("plainTitle", () => {
  it.each([
    ["**Planning a trip to Lisbon**", "Planning a trip to Lisbon"],
    ['  "Planning a trip to Lisbon."  ', "Planning a trip to Lisbon"],
    ["# Trip to Lisbon", "Trip to Lisbon"],
    ["### **Trip** to `Lisbon`", "Trip to Lisbon"],
    ["Title: Budget planning", "Budget planning"],
    ['**Title:** "Budget planning"', "Budget planning"],
    ["“Quarterly report summary”", "Quarterly report summary"],
    ["'Single quoted'", "Single quoted"],
    ["«Guillemets»", "Guillemets"],
    ["*Italic title*", "Italic title"],
    ["_Italic title_", "Italic title"],
    ["__Bold title__", "Bold title"],
    ["~~Struck~~ title", "Struck title"],
    ["- Bullet title", "Bullet title"],
    ["1. Numbered title", "Numbered title"],
    ["> Quoted title", "Quoted title"],
    ["[Lisbon guide](https://example.com)", "Lisbon guide"],
    ["\n\n  First line\nsecond line", "First line"],
    ["Many    spaces\there", "Many spaces here"],
  ])("%j → %j", (input, expected) => {
    expect(plainTitle(input)).toBe(expected);
  });

  it("keeps what is not markdown: snake_case, C#, apostrophes inside, numbers", () => {
    expect(plainTitle("Rename snake_case_names in Python")).toBe("Rename snake_case_names in Python");
    expect(plainTitle("Learning C# generics")).toBe("Learning C# generics");
    expect(plainTitle("Don't panic: 42 tips")).toBe("Don't panic: 42 tips");
    expect(plainTitle("Version 2.5 release notes")).toBe("Version 2.5 release notes");
  });

  it("returns an empty string for nothing but markup", () => {
    expect(plainTitle("")).toBe("");
    expect(plainTitle("  **  ")).toBe("");
    expect(plainTitle('""')).toBe("");
  });

  it("cuts at the limit without trailing space", () => {
    const long = "word ".repeat(40);
    const title = plainTitle(long, GENERATED_TITLE_MAX);
    expect(title.length).toBeLessThanOrEqual(GENERATED_TITLE_MAX);
    expect(title).toBe(title.trim());
  });
});

describe("displayTitle", () => {
  it("shows stored markdown titles as plain text and falls back when nothing is left", () => {
    expect(displayTitle("**Old markdown title**", "New conversation")).toBe("Old markdown title");
    expect(displayTitle(null, "New conversation")).toBe("New conversation");
    expect(displayTitle("**", "New conversation")).toBe("New conversation");
  });
});
