import { assert, describe, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import * as Ids from "../src/Ids.js"

const accepts = (schema: Schema.Schema<any, any>, input: unknown): boolean =>
  Either.isRight(Schema.decodeUnknownEither(schema)(input))

describe("Ids", () => {
  describe("TextParam, RunIdParam and TaskIdParam", () => {
    it("accept any non-empty text, URL specials and text beyond ASCII included", () => {
      for (const text of ["run20220111zlq2ig4", "a&b/c?d#e%f g", "日本", "😀", "a\u00a0b", "a b"]) {
        assert.isTrue(accepts(Ids.TextParam, text), text)
        assert.isTrue(accepts(Ids.RunIdParam, text), text)
        assert.isTrue(accepts(Ids.TaskIdParam, text), text)
      }
    })

    it("refuse the empty string, and a lone surrogate that URL encoding would turn into U+FFFD", () => {
      for (const text of ["", "a\uD800b", "\uDC00", "x\uD83D"]) {
        assert.isFalse(accepts(Ids.TextParam, text), JSON.stringify(text))
        assert.isFalse(accepts(Ids.RunIdParam, text), JSON.stringify(text))
        assert.isFalse(accepts(Ids.TaskIdParam, text), JSON.stringify(text))
      }
      // the URL encoding it would meet
      assert.strictEqual(new URLSearchParams({ id: "a\uD800b" }).toString(), "id=a%EF%BF%BDb")
    })

    it("refuse control characters and surrounding whitespace, a copy-paste slip that names another run", () => {
      const slips = [
        " run1",
        "run1 ",
        "run1\n",
        "\trun1",
        "run1\r\nX-Injected: 1",
        "a\u0000b",
        "a\u007fb",
        "a\u0085b",
        "\u00a0"
      ]
      for (const text of slips) {
        assert.isFalse(accepts(Ids.TextParam, text), JSON.stringify(text))
        assert.isFalse(accepts(Ids.RunIdParam, text), JSON.stringify(text))
        assert.isFalse(accepts(Ids.TaskIdParam, text), JSON.stringify(text))
      }
    })
  })
})
