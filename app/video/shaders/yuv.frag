#version 440
// I420 → RGB as libyuv computes it (frameconvert.h, YuvPicture::Coefficients), from three planes
// uploaded as they are: four 8-bit samples per RGBA texel, so the texture is the plane's bytes
// (no conversion on the CPU) and a sample is picked out of its texel here.
// Compiled twice (app/video/CMakeLists.txt): as it is, each pixel takes its own samples, as libyuv
// (a picture drawn 1:1); with SMOOTH defined, each plane is interpolated bilinearly (drawn scaled).
// Two programs, not a uniform branch: llvmpipe runs both sides of one (twice the cost per pixel).
layout(location = 0) in vec2 pixel; // picture pixels (luma samples)
layout(location = 0) out vec4 fragColor;

layout(std140, binding = 0) uniform buf {
    mat4 qt_Matrix;
    vec4 gains;   // yg, ub, ug, vg
    vec4 gainsR;  // vr, bias B, bias G, bias R
    vec4 luma;    // Y plane: width, height in samples; its texture: width, height in texels
    vec4 chroma;  // U and V planes: the same
    float qt_Opacity;
};

layout(binding = 1) uniform sampler2D yPlane;
layout(binding = 2) uniform sampler2D uPlane;
layout(binding = 3) uniform sampler2D vPlane;

// Sample `at` (whole numbers, clamped to the plane) of a plane, 0..255.
float fetch(sampler2D plane, vec2 at, vec4 size) {
    vec2 s = clamp(at, vec2(0.0), size.xy - 1.0);
    float texel = floor(s.x / 4.0);
    float lane = s.x - 4.0 * texel;
    vec4 t = texture(plane, vec2(texel + 0.5, s.y + 0.5) / size.zw);
    return floor(dot(t, vec4(equal(vec4(lane), vec4(0.0, 1.0, 2.0, 3.0)))) * 255.0 + 0.5);
}

// The plane at `p` (its own sample units): the sample the pixel falls in, or (SMOOTH) bilinear
// between the four nearest sample centres.
float planeAt(sampler2D plane, vec2 p, vec4 size) {
#ifdef SMOOTH
    vec2 q = p - 0.5;
    vec2 i = floor(q);
    vec2 f = q - i;
    float a = fetch(plane, i, size);
    float b = fetch(plane, i + vec2(1.0, 0.0), size);
    float c = fetch(plane, i + vec2(0.0, 1.0), size);
    float d = fetch(plane, i + vec2(1.0, 1.0), size);
    return mix(mix(a, b, f.x), mix(c, d, f.x), f.y);
#else
    return fetch(plane, floor(p), size);
#endif
}

void main() {
    float y = planeAt(yPlane, pixel, luma);
    vec2 c = pixel * 0.5; // a chroma sample covers 2x2 pixels
    float u = planeAt(uPlane, c, chroma) - 128.0;
    float v = planeAt(vPlane, c, chroma) - 128.0;
    float y1 = floor(y * (257.0 * gains.x / 65536.0));
    vec3 rgb = floor(vec3(y1 + v * gainsR.x + gainsR.w,
                          y1 - u * gains.z - v * gains.w + gainsR.z,
                          y1 + u * gains.y + gainsR.y) / 64.0);
    fragColor = vec4(clamp(rgb, 0.0, 255.0) / 255.0, 1.0) * qt_Opacity;
}
