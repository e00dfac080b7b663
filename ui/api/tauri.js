// The only module that touches window.__TAURI__. Everything else imports from ui/api/*.
const tauri = window.__TAURI__;

export function invoke(command, args = {}) {
  return tauri.core.invoke(command, args);
}

export function listen(event, handler) {
  return tauri.event.listen(event, (e) => handler(e.payload));
}

export function openFile(options) {
  return tauri.dialog.open(options);
}

export function saveFile(options) {
  return tauri.dialog.save(options);
}
