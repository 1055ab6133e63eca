// Progressive enhancement of the upload form: drag-and-drop, a size check before sending and
// a progress bar. Without JavaScript the form posts as usual.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = document.getElementById("file");
  var drop = document.getElementById("drop");
  var chosen = document.getElementById("chosen");
  var bar = document.getElementById("progress");
  var status = document.getElementById("status");
  var send = document.getElementById("send");
  var maxBytes = parseInt(form.getAttribute("data-max"), 10) * 1024 * 1024;

  function show() { chosen.textContent = input.files.length ? "已选择：" + input.files[0].name : ""; }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
  });

  form.addEventListener("submit", function (e) {
    if (!input.files.length) { return; }
    e.preventDefault();
    if (input.files[0].size > maxBytes) {
      status.textContent = "文件超过 " + (maxBytes / 1024 / 1024) + " MB 的上限，未上传。请检查是否选错了文件。";
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (p) {
      if (p.lengthComputable) { bar.value = Math.round(p.loaded * 100 / p.total); }
    });
    xhr.upload.addEventListener("load", function () { status.textContent = "已上传，正在审核……"; });
    xhr.addEventListener("load", function () {
      if (xhr.status === 200 && xhr.responseURL && xhr.responseURL.indexOf("/dept/upload") < 0) {
        window.location.assign(xhr.responseURL);
        return;
      }
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var msg = doc.getElementById("message");
      status.textContent = msg ? msg.textContent : "上传未成功（" + xhr.status + "），请重试。";
      send.disabled = false;
      bar.hidden = true;
    });
    xhr.addEventListener("error", function () {
      status.textContent = "上传中断，请检查网络后重试。";
      send.disabled = false;
      bar.hidden = true;
    });
    bar.hidden = false;
    bar.value = 0;
    send.disabled = true;
    status.textContent = "正在上传……";
    xhr.send(new FormData(form));
  });
}());
