// The body editor's "link to a library file" button (django-prose-editor
// extension FileLink, configured in articles/html.py). It opens the file
// library's window (newsroom.libraries.LibraryAdminMixin.choose) and links
// the selected words to the chosen file; with nothing selected, it inserts
// the file's title as the link. The window hands the choice back through
// CKEDITOR.tools.callFunction, as the image dialog's "Browse..." does.
import { Extension, gettext } from "django-prose-editor/editor"

// The image dialog numbers its windows -1, -2, ...; ours count up from here.
let nextCallback = 1000000
const waiting = new Map()
let installed = false

function listen() {
  if (installed) return
  installed = true
  window.CKEDITOR = window.CKEDITOR || {}
  window.CKEDITOR.tools = window.CKEDITOR.tools || {}
  const previous = window.CKEDITOR.tools.callFunction
  window.CKEDITOR.tools.callFunction = (number, ...args) => {
    previous?.call(window.CKEDITOR.tools, number, ...args)
    const chosen = waiting.get(Number(number))
    if (chosen) {
      waiting.delete(Number(number))
      chosen(...args)
    }
  }
}

function linkChosenFile(editor, selection, url, data) {
  const attrs = { href: url, title: null }
  const chain = editor.chain().focus().setTextSelection(selection)
  if (selection.from === selection.to && !editor.isActive("link")) {
    const text = (data && data.title) || url
    chain
      .insertContent({ type: "text", text, marks: [{ type: "link", attrs }] })
      .run()
  } else {
    chain.extendMarkRange("link").setLink(attrs).run()
  }
}

// The selection the editor sees: the document's, when it is in the editor
// (the editor's own state follows it on "selectionchange", which may not
// have arrived yet when the button is pressed right after selecting).
function visibleSelection(editor) {
  const { view } = editor
  const dom = window.getSelection()
  if (
    dom &&
    dom.rangeCount &&
    view.dom.contains(dom.anchorNode) &&
    view.dom.contains(dom.focusNode)
  ) {
    const anchor = view.posAtDOM(dom.anchorNode, dom.anchorOffset)
    const head = view.posAtDOM(dom.focusNode, dom.focusOffset)
    return { from: Math.min(anchor, head), to: Math.max(anchor, head) }
  }
  const { from, to } = editor.state.selection
  return { from, to }
}

function chooseFile(editor, pickerUrl) {
  listen()
  const number = nextCallback++
  const { from, to } = visibleSelection(editor)
  waiting.set(number, (url, data) =>
    linkChosenFile(editor, { from, to }, url, data),
  )
  const separator = pickerUrl.includes("?") ? "&" : "?"
  window.open(
    `${pickerUrl}${separator}CKEditorFuncNum=${number}`,
    "_blank",
    "width=800,height=600",
  )
}

export const FileLink = Extension.create({
  name: "fileLink",

  addOptions() {
    return { pickerUrl: null }
  },

  addMenuItems({ menu, buttons }) {
    const { pickerUrl } = this.options
    if (!pickerUrl) return
    menu.defineItem({
      name: "fileLink",
      groups: "link",
      command(editor) {
        chooseFile(editor, pickerUrl)
      },
      enabled(editor) {
        return editor.isEditable
      },
      button: buttons.material("attach_file", gettext("link to a library file")),
    })
  },
})
