// A photo's focal point, set by clicking its picture (PhotoAdmin). The click's place, in
// percent of the picture's width and height, goes into the two number fields, which work
// on their own without this script; a marker shows the point.
const clamp = (value) => Math.min(100, Math.max(0, Math.round(value)));

const setUpPicker = (picker) => {
  const image = picker.querySelector("img");
  const marker = picker.querySelector(".focal-marker");
  const across = document.getElementById(picker.dataset.focalX);
  const down = document.getElementById(picker.dataset.focalY);
  if (!image || !marker || !across || !down) {
    return;
  }
  const showMarker = () => {
    marker.style.left = `${clamp(Number(across.value) || 0)}%`;
    marker.style.top = `${clamp(Number(down.value) || 0)}%`;
    marker.hidden = false;
  };
  image.addEventListener("click", (event) => {
    const box = image.getBoundingClientRect();
    across.value = clamp(((event.clientX - box.left) / box.width) * 100);
    down.value = clamp(((event.clientY - box.top) / box.height) * 100);
    // As if typed: the page then knows it holds a change that is not saved.
    across.dispatchEvent(new Event("change", { bubbles: true }));
    showMarker();
  });
  across.addEventListener("input", showMarker);
  down.addEventListener("input", showMarker);
  picker.classList.add("focal-picker--ready");
  showMarker();
};

document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll(".focal-picker[data-focal-x]")) {
    setUpPicker(picker);
  }
});
