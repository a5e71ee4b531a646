import { describe, expect, it } from "vitest"
import { formatField, formatLine, parseLine } from "../src/Csv.js"

describe("Csv", () => {
  it("splits plain and quoted fields", () => {
    expect(parseLine("a,b,,c")).toEqual(["a", "b", "", "c"])
    expect(parseLine("\"x,y\",\"he said \"\"hi\"\"\",z")).toEqual(["x,y", "he said \"hi\"", "z"])
    expect(parseLine("")).toEqual([""])
    expect(parseLine("a,")).toEqual(["a", ""])
  })

  it("formats numbers at full precision and quotes when needed", () => {
    expect(formatField(0.1 + 0.2)).toBe("0.30000000000000004")
    expect(formatField("a,b")).toBe("\"a,b\"")
    expect(formatField(undefined)).toBe("")
    expect(parseLine(formatLine(["x\"y", 1.5, "p,q"]))).toEqual(["x\"y", "1.5", "p,q"])
  })
})
